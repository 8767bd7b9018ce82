// SPDX-License-Identifier: GPL-2.0-only
/*
 * Copyright 2026 The vsvm authors
 */

/**
 * DOC: emulated MMU
 *
 * Page tables, TLBs and translated accesses of the emulated GPU.
 *
 * Page table: 4 levels of 512 entries map a 48-bit VA. Each node
 * (&struct vsvm_vhw_pt) holds its 512 entries and, above level 0, a software
 * array of pointers to its children; the "physical address" of a child table
 * is that kernel pointer. An entry above level 0 is %VSVM_VHW_PDE when its
 * child table is in use, 0 when nothing below it is mapped, and at level 1
 * it may instead be a 2 MiB leaf (%VSVM_PTE_HUGE set). Tables are allocated
 * by vm_prepare (all levels, down to level 0) and freed by vm_trim once they
 * map nothing, or by vm_destroy. vm_trim clears the directory entry, then
 * drains every compute unit (walks run under the compute unit's lock) before
 * it frees the table, so a walker never meets a freed table.
 *
 * A level-1 slot changes between a 2 MiB leaf and a level-0 table as the
 * driver writes entries: a 2 MiB write replaces the slot and zeroes the
 * level-0 table under it, a 4 KiB write turns the slot back into a
 * directory entry. The level-0 table of a slot that is not a directory entry
 * is therefore always empty, and clearing a 2 MiB leaf never uncovers old
 * 4 KiB entries.
 *
 * The hardware sets %VSVM_PTE_ACCESSED on every translation that lacks it
 * and %VSVM_PTE_DIRTY on writes and atomics, with cmpxchg on the leaf entry,
 * so a concurrent driver write is never lost. A translation that races with
 * the driver turning a level-1 slot from a 2 MiB leaf into a table may
 * fault; the driver's replay resolves it like any fault.
 *
 * TLB: each compute unit caches %VSVM_VHW_TLB_ENTRIES translations, fully
 * associative, round-robin replacement, tagged with the VM's asid (never
 * reused, so a destroyed VM needs no flush). A hit that lacks the needed
 * permission, or lacks DIRTY for a write, walks the table again (so a
 * permission upgrade by the driver needs no flush), and a failed walk is
 * never cached. Hits, misses and invalidation requests are counted.
 *
 * Locking:
 *
 * - Page-table writes (vm_prepare, vm_write_ptes, vm_clear, vm_destroy) are
 *   serialised by the driver. The compute units walk concurrently: entries
 *   are written with WRITE_ONCE()/cmpxchg and read with READ_ONCE(); a
 *   directory entry is published with smp_store_release() after its child
 *   pointer, and walkers read it with smp_load_acquire().
 * - &vsvm_vhw_cu.lock (a spinlock, the innermost lock of the GPU) guards a
 *   compute unit's TLB and is held from a translation through the data
 *   access it serves, which never crosses a 4 KiB page. tlb_invalidate takes
 *   each compute unit's lock in turn and drops the matching entries: an
 *   access in flight holds the lock, so once tlb_invalidate has had every
 *   lock, no access can still use a translation from before the call, and
 *   every later walk sees the driver's earlier page-table writes.
 * - Nothing sleeps or allocates under &vsvm_vhw_cu.lock, and no other lock
 *   is taken inside it.
 */

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/err.h>
#include <linux/lockdep.h>
#include <linux/minmax.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "vsvm_vhw.h"
#include "vsvm_vhw_priv.h"

#define VSVM_VHW_PT_BITS	9
#define VSVM_VHW_VA_END		BIT_ULL(VSVM_VHW_VA_BITS)
#define VSVM_VHW_TOP_LEVEL	(VSVM_VHW_PT_LEVELS - 1)

static unsigned int vsvm_vhw_pt_shift(unsigned int level)
{
	return VSVM_HW_PAGE_SHIFT + VSVM_VHW_PT_BITS * level;
}

static unsigned int vsvm_vhw_pt_index(u64 va, unsigned int level)
{
	return (va >> vsvm_vhw_pt_shift(level)) & (VSVM_VHW_PT_ENTRIES - 1);
}

/* End of the range mapped by the level-@level entry of @va, clamped to @end */
static u64 vsvm_vhw_pt_next(u64 va, u64 end, unsigned int level)
{
	u64 span = BIT_ULL(vsvm_vhw_pt_shift(level));

	return min(end, round_down(va, span) + span);
}

static size_t vsvm_vhw_pt_size(unsigned int level)
{
	struct vsvm_vhw_pt *pt;

	return struct_size(pt, children, level ? VSVM_VHW_PT_ENTRIES : 0);
}

static struct vsvm_vhw_pt *vsvm_vhw_pt_alloc(struct vsvm_hw *hw, unsigned int level, gfp_t gfp)
{
	struct vsvm_vhw_pt *pt = kzalloc(vsvm_vhw_pt_size(level), gfp);

	if (pt)
		atomic64_add(vsvm_vhw_pt_size(level), &hw->counters.pt_bytes);
	return pt;
}

static void vsvm_vhw_pt_free(struct vsvm_hw *hw, struct vsvm_vhw_pt *pt, unsigned int level)
{
	unsigned int i;

	if (level) {
		for (i = 0; i < VSVM_VHW_PT_ENTRIES; i++)
			if (pt->children[i])
				vsvm_vhw_pt_free(hw, pt->children[i], level - 1);
	}
	atomic64_sub(vsvm_vhw_pt_size(level), &hw->counters.pt_bytes);
	kfree(pt);
}

/**
 * vsvm_vhw_vm_create() - create a VM with an empty page table
 * @hw: the GPU
 * @vmid: the driver's id of the VM
 *
 * Context: process context, may sleep.
 * Return: the VM, or ERR_PTR(-ENOMEM).
 */
struct vsvm_hw_vm *vsvm_vhw_vm_create(struct vsvm_hw *hw, u32 vmid)
{
	struct vsvm_hw_vm *vm;

	vm = kzalloc(sizeof(*vm), GFP_KERNEL);
	if (!vm)
		return ERR_PTR(-ENOMEM);
	vm->root = vsvm_vhw_pt_alloc(hw, VSVM_VHW_TOP_LEVEL, GFP_KERNEL);
	if (!vm->root) {
		kfree(vm);
		return ERR_PTR(-ENOMEM);
	}
	vm->hw = hw;
	vm->vmid = vmid;
	vm->asid = atomic64_inc_return(&hw->next_asid);
	atomic_set(&vm->replay_seq, 0);
	init_waitqueue_head(&vm->replay_wq);
	return vm;
}

/**
 * vsvm_vhw_vm_destroy() - free a VM and its page tables
 * @vm: the VM; no queue may use it any more
 *
 * Its TLB entries need no flush: they are tagged with an asid that no VM
 * gets again.
 */
void vsvm_vhw_vm_destroy(struct vsvm_hw_vm *vm)
{
	vsvm_vhw_pt_free(vm->hw, vm->root, VSVM_VHW_TOP_LEVEL);
	kfree(vm);
}

/* Make entry @i of @pt a directory entry; its child table exists. */
static void vsvm_vhw_pt_set_pde(struct vsvm_vhw_pt *pt, unsigned int i)
{
	/* Release: a walker that sees the directory entry sees the child. */
	smp_store_release(&pt->ptes[i], VSVM_VHW_PDE);
}

static int vsvm_vhw_pt_prepare(struct vsvm_hw *hw, struct vsvm_vhw_pt *pt, unsigned int level,
			       u64 va, u64 end, gfp_t gfp)
{
	struct vsvm_vhw_pt *child;
	unsigned int i;
	u64 next;
	int ret;

	for (; va < end; va = next) {
		i = vsvm_vhw_pt_index(va, level);
		next = vsvm_vhw_pt_next(va, end, level);
		child = pt->children[i];
		if (!child) {
			child = vsvm_vhw_pt_alloc(hw, level - 1, gfp);
			if (!child)
				return -ENOMEM;
			WRITE_ONCE(pt->children[i], child);
		}
		/* A valid 2 MiB leaf stays; the table waits below it. */
		if (!(READ_ONCE(pt->ptes[i]) & VSVM_PTE_VALID))
			vsvm_vhw_pt_set_pde(pt, i);
		if (level > 1) {
			ret = vsvm_vhw_pt_prepare(hw, child, level - 1, va, next, gfp);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/**
 * vsvm_vhw_vm_prepare() - allocate the tables a range needs
 * @vm: the VM
 * @va: start of the range
 * @size: bytes
 * @gfp: allocation flags for the tables
 *
 * Allocates every level down to the level-0 tables that 4 KiB entries over
 * [@va, @va + @size) need, so that vm_write_ptes of either size never
 * allocates. The part of the range past the 48-bit VA space is ignored.
 * Tables allocated before a failure stay (vm_trim or the VM's end frees
 * them).
 *
 * Context: sleeps if @gfp allows; page-table writes of the VM serialised by
 * the caller.
 * Return: 0 or -ENOMEM.
 */
int vsvm_vhw_vm_prepare(struct vsvm_hw_vm *vm, u64 va, u64 size, gfp_t gfp)
{
	u64 end = min(va + size < va ? U64_MAX : va + size, VSVM_VHW_VA_END);

	return vsvm_vhw_pt_prepare(vm->hw, vm->root, VSVM_VHW_TOP_LEVEL, va, end, gfp);
}

/*
 * The table holding the leaf entries of @level (0 or 1) for @va, found by
 * the driver-side child pointers; NULL if not prepared. For level 0 the
 * level-1 slot is turned into a directory entry.
 */
static struct vsvm_vhw_pt *vsvm_vhw_pt_leaf_table(struct vsvm_hw_vm *vm, u64 va,
						  unsigned int level)
{
	struct vsvm_vhw_pt *pt = vm->root;
	unsigned int l, i;

	if (va >= VSVM_VHW_VA_END)
		return NULL;
	for (l = VSVM_VHW_TOP_LEVEL; pt && l > 1; l--)
		pt = pt->children[vsvm_vhw_pt_index(va, l)];
	if (!pt || level == 1)
		return pt;

	i = vsvm_vhw_pt_index(va, 1);
	if (!pt->children[i])
		return NULL;
	if (READ_ONCE(pt->ptes[i]) != VSVM_VHW_PDE)
		vsvm_vhw_pt_set_pde(pt, i);
	return pt->children[i];
}

/* Replace a level-1 slot by a 2 MiB entry; the level-0 table under it empties. */
static void vsvm_vhw_pt_write_huge(struct vsvm_vhw_pt *pt, unsigned int i, u64 pte)
{
	struct vsvm_vhw_pt *child = pt->children[i];
	unsigned int j;

	/* A valid 2 MiB leaf sets HUGE and points at a 2 MiB aligned address. */
	WARN_ON_ONCE((pte & VSVM_PTE_VALID) &&
		     (!(pte & VSVM_PTE_HUGE) ||
		      (pte & VSVM_PTE_ADDR_MASK & (BIT_ULL(VSVM_HW_HUGE_SHIFT) - 1))));
	WRITE_ONCE(pt->ptes[i], pte);
	if (!child)
		return;
	for (j = 0; j < VSVM_VHW_PT_ENTRIES; j++)
		WRITE_ONCE(child->ptes[j], 0);
}

/**
 * vsvm_vhw_vm_write_ptes() - write leaf entries
 * @vm: the VM
 * @va: GPU VA of the first entry, aligned to 1 << @shift
 * @ptes: @n entries in VSVM_PTE_* format
 * @n: number of entries
 * @shift: %VSVM_HW_PAGE_SHIFT or %VSVM_HW_HUGE_SHIFT
 *
 * Never allocates: the range must have been prepared (a missing table is a
 * driver bug, warned about once, and ends the write). A 2 MiB entry
 * replaces whatever its level-1 slot held; a 4 KiB entry under a 2 MiB leaf
 * replaces the leaf by the (empty) level-0 table. A valid 2 MiB entry must
 * set %VSVM_PTE_HUGE and hold a 2 MiB aligned address (warned about
 * otherwise).
 *
 * Context: any context, never sleeps; page-table writes of the VM
 * serialised by the caller.
 */
void vsvm_vhw_vm_write_ptes(struct vsvm_hw_vm *vm, u64 va, const u64 *ptes,
			    unsigned int n, unsigned int shift)
{
	unsigned int level = shift == VSVM_HW_HUGE_SHIFT ? 1 : 0;
	struct vsvm_vhw_pt *pt = NULL;
	unsigned int i, idx;

	if (WARN_ON_ONCE((shift != VSVM_HW_PAGE_SHIFT && shift != VSVM_HW_HUGE_SHIFT) ||
			 !IS_ALIGNED(va, BIT_ULL(shift))))
		return;

	for (i = 0; i < n; i++, va += BIT_ULL(shift)) {
		idx = vsvm_vhw_pt_index(va, level);
		if (!pt || !idx)
			pt = vsvm_vhw_pt_leaf_table(vm, va, level);
		if (WARN_ON_ONCE(!pt))
			return;
		if (level)
			vsvm_vhw_pt_write_huge(pt, idx, ptes[i]);
		else
			WRITE_ONCE(pt->ptes[idx], ptes[i]);
	}
}

static void vsvm_vhw_pt_clear(struct vsvm_vhw_pt *pt, unsigned int level, u64 va, u64 end)
{
	unsigned int i;
	u64 next, e;

	for (; va < end; va = next) {
		i = vsvm_vhw_pt_index(va, level);
		next = vsvm_vhw_pt_next(va, end, level);
		if (!level) {
			WRITE_ONCE(pt->ptes[i], 0);
			continue;
		}
		e = READ_ONCE(pt->ptes[i]);
		if (level == 1 && (e & VSVM_PTE_HUGE))
			WRITE_ONCE(pt->ptes[i], 0);
		else if (e == VSVM_VHW_PDE)
			vsvm_vhw_pt_clear(pt->children[i], level - 1, va, next);
	}
}

/**
 * vsvm_vhw_vm_clear() - invalidate the leaf entries of a range
 * @vm: the VM
 * @va: start, 4 KiB aligned
 * @size: bytes, 4 KiB aligned
 *
 * A 2 MiB entry only partly inside the range is cleared whole. Subtrees
 * with nothing mapped are skipped. TLBs are not flushed.
 *
 * Context: any context, never sleeps; page-table writes of the VM
 * serialised by the caller.
 */
void vsvm_vhw_vm_clear(struct vsvm_hw_vm *vm, u64 va, u64 size)
{
	u64 end = min(va + size < va ? U64_MAX : va + size, VSVM_VHW_VA_END);

	vsvm_vhw_pt_clear(vm->root, VSVM_VHW_TOP_LEVEL, va, end);
}

/* Wait until no compute unit is inside a walk or an access it began before */
static void vsvm_vhw_mmu_drain(struct vsvm_hw *hw)
{
	unsigned int i;

	for (i = 0; i < hw->cfg.num_cus; i++) {
		spin_lock(&hw->cus[i].lock);
		spin_unlock(&hw->cus[i].lock);
	}
}

static bool vsvm_vhw_pt_unused(const struct vsvm_vhw_pt *pt, unsigned int level)
{
	unsigned int i;

	for (i = 0; i < VSVM_VHW_PT_ENTRIES; i++)
		if (READ_ONCE(pt->ptes[i]) || (level && pt->children[i]))
			return false;
	return true;
}

/*
 * Free the tables under the entries of @pt that [@va, @end) touches and that
 * map nothing, deepest first. A walker reads the directory entry, then the
 * child pointer, all under its compute unit's lock: the entry is cleared
 * first, the walkers drained, and only then the pointer cleared and the
 * table freed.
 */
static void vsvm_vhw_pt_trim(struct vsvm_hw *hw, struct vsvm_vhw_pt *pt, unsigned int level,
			     u64 va, u64 end)
{
	struct vsvm_vhw_pt *child;
	unsigned int i;
	u64 next;

	for (; va < end; va = next) {
		i = vsvm_vhw_pt_index(va, level);
		next = vsvm_vhw_pt_next(va, end, level);
		child = pt->children[i];
		if (!child)
			continue;
		if (level > 1)
			vsvm_vhw_pt_trim(hw, child, level - 1, va, next);
		if (!vsvm_vhw_pt_unused(child, level - 1))
			continue;
		/* A 2 MiB leaf stays: only the empty table under it goes. */
		if (READ_ONCE(pt->ptes[i]) == VSVM_VHW_PDE) {
			WRITE_ONCE(pt->ptes[i], 0);
			vsvm_vhw_mmu_drain(hw);
		}
		WRITE_ONCE(pt->children[i], NULL);
		vsvm_vhw_pt_free(hw, child, level - 1);
	}
}

/**
 * vsvm_vhw_vm_trim() - free the page tables of a range that map nothing
 * @vm: the VM
 * @va: start of the range
 * @size: bytes
 *
 * Frees every table below the root, reached from [@va, @va + @size), whose
 * entries are all invalid (after vm_clear), and returns once no compute unit
 * can still be walking one of them. vm_prepare makes them again when needed.
 *
 * Context: process context, may sleep; a page-table write of the VM,
 * serialised by the caller.
 */
void vsvm_vhw_vm_trim(struct vsvm_hw_vm *vm, u64 va, u64 size)
{
	u64 end = min(va + size < va ? U64_MAX : va + size, VSVM_VHW_VA_END);

	might_sleep();
	vsvm_vhw_pt_trim(vm->hw, vm->root, VSVM_VHW_TOP_LEVEL, va, end);
}

/*
 * The hardware's walk: the slot of the leaf entry translating @va, or NULL.
 * Its size shift goes to @shift.
 */
static u64 *vsvm_vhw_pt_walk(struct vsvm_hw_vm *vm, u64 va, unsigned int *shift)
{
	struct vsvm_vhw_pt *pt = vm->root;
	unsigned int level, i;
	u64 e;

	if (va >= VSVM_VHW_VA_END)
		return NULL;
	for (level = VSVM_VHW_TOP_LEVEL; level; level--) {
		i = vsvm_vhw_pt_index(va, level);
		/* Acquire: a directory entry guarantees its child table is visible. */
		e = smp_load_acquire(&pt->ptes[i]);
		if (level == 1 && (e & VSVM_PTE_HUGE)) {
			*shift = VSVM_HW_HUGE_SHIFT;
			return &pt->ptes[i];
		}
		if (e != VSVM_VHW_PDE)
			return NULL;
		pt = READ_ONCE(pt->children[i]);
	}
	*shift = VSVM_HW_PAGE_SHIFT;
	return &pt->ptes[vsvm_vhw_pt_index(va, 0)];
}

/**
 * vsvm_vhw_vm_read_pte() - the leaf entry translating a VA
 * @vm: the VM
 * @va: GPU VA
 * @shift: set to the entry's size shift (%VSVM_HW_PAGE_SHIFT when there is
 *	no entry)
 *
 * Context: any context, never sleeps.
 * Return: the entry, with the accessed and dirty bits the hardware set, or
 * 0.
 */
u64 vsvm_vhw_vm_read_pte(struct vsvm_hw_vm *vm, u64 va, unsigned int *shift)
{
	u64 *ptep;

	*shift = VSVM_HW_PAGE_SHIFT;
	ptep = vsvm_vhw_pt_walk(vm, va, shift);
	return ptep ? READ_ONCE(*ptep) : 0;
}

static u64 vsvm_vhw_pte_bits(u32 access)
{
	if (access & (VSVM_HW_ACCESS_WRITE | VSVM_HW_ACCESS_ATOMIC))
		return VSVM_PTE_ACCESSED | VSVM_PTE_DIRTY;
	return VSVM_PTE_ACCESSED;
}

/*
 * Check the leaf entry at @ptep for @access and set its accessed (and dirty)
 * bits. Returns the entry as updated, or 0 for a fault.
 */
static u64 vsvm_vhw_pte_touch(u64 *ptep, unsigned int shift, u32 access)
{
	u64 set = vsvm_vhw_pte_bits(access);
	u64 old = READ_ONCE(*ptep);

	do {
		if (!vsvm_hw_pte_allows(old, access))
			return 0;
		/* The slot became a table since the walk read it. */
		if (shift == VSVM_HW_HUGE_SHIFT && !(old & VSVM_PTE_HUGE))
			return 0;
		if ((old & set) == set)
			return old;
	} while (!try_cmpxchg64(ptep, &old, old | set));
	return old | set;
}

static struct vsvm_vhw_tlb_entry *vsvm_vhw_tlb_find(struct vsvm_vhw_cu *cu, u64 asid, u64 va)
{
	struct vsvm_vhw_tlb_entry *e;

	for (e = cu->tlb; e < cu->tlb + VSVM_VHW_TLB_ENTRIES; e++)
		if (e->asid == asid && !((e->va ^ va) >> e->shift))
			return e;
	return NULL;
}

/*
 * Walk the table for @va and cache the translation in @e, or in a victim
 * entry if @e is NULL. Returns the entry, or NULL for a fault (and then @e
 * is dropped).
 */
static struct vsvm_vhw_tlb_entry *vsvm_vhw_tlb_fill(struct vsvm_vhw_cu *cu, struct vsvm_hw_vm *vm,
						    struct vsvm_vhw_tlb_entry *e, u64 va,
						    u32 access)
{
	unsigned int shift;
	u64 *ptep, pte = 0;

	ptep = vsvm_vhw_pt_walk(vm, va, &shift);
	if (ptep)
		pte = vsvm_vhw_pte_touch(ptep, shift, access);
	if (!pte) {
		if (e)
			e->asid = 0;
		return NULL;
	}
	if (!e) {
		e = &cu->tlb[cu->tlb_victim];
		cu->tlb_victim = (cu->tlb_victim + 1) % VSVM_VHW_TLB_ENTRIES;
	}
	e->asid = vm->asid;
	e->va = round_down(va, BIT_ULL(shift));
	e->pte = pte;
	e->shift = shift;
	return e;
}

/* Kernel address behind @va per a leaf entry, for @len bytes in its 4 KiB page */
static void *vsvm_vhw_pte_ptr(struct vsvm_hw *hw, const struct vsvm_vhw_tlb_entry *e,
			      u64 va, size_t len)
{
	u64 mask = BIT_ULL(e->shift) - 1;
	u64 addr = (e->pte & VSVM_PTE_ADDR_MASK & ~mask) | (va & mask);

	if (e->pte & VSVM_PTE_SYSTEM)
		return vsvm_vhw_sys_ptr(hw, addr);
	if (e->pte & VSVM_PTE_PEER)
		return vsvm_vhw_peer_ptr(FIELD_GET(VSVM_PTE_PEER_MASK, e->pte), addr, len);
	return vsvm_vhw_vram_ptr(hw, addr, len);
}

/* Translate @va for @access through @cu's TLB; NULL for a fault */
static void *vsvm_vhw_translate(struct vsvm_vhw_cu *cu, struct vsvm_hw_vm *vm, u64 va,
				size_t len, u32 access)
{
	struct vsvm_vhw_tlb_entry *e;
	u64 need_dirty;
	void *ptr;

	lockdep_assert_held(&cu->lock);
	need_dirty = vsvm_vhw_pte_bits(access) & VSVM_PTE_DIRTY;
	e = vsvm_vhw_tlb_find(cu, vm->asid, va);
	if (e && vsvm_hw_pte_allows(e->pte, access) && (e->pte & need_dirty) == need_dirty) {
		WRITE_ONCE(cu->tlb_hits, cu->tlb_hits + 1);
	} else {
		WRITE_ONCE(cu->tlb_misses, cu->tlb_misses + 1);
		e = vsvm_vhw_tlb_fill(cu, vm, e, va, access);
		if (!e)
			return NULL;
	}
	ptr = vsvm_vhw_pte_ptr(vm->hw, e, va, len);
	/* An entry pointing outside memory is a driver bug; it faults. */
	if (WARN_ON_ONCE(!ptr))
		e->asid = 0;
	return ptr;
}

/**
 * vsvm_vhw_mmu_access() - one translated access of a compute unit
 * @cu: the compute unit
 * @vm: the VM to translate through
 * @va: GPU VA
 * @buf: data read, data to write, or for an atomic the u64 to add
 * @len: bytes; [@va, @va + @len) does not cross a 4 KiB page. An atomic
 *	is 8 bytes at an 8-byte aligned @va.
 * @access: one VSVM_HW_ACCESS_*
 *
 * Translates and accesses with @cu's lock held, so that tlb_invalidate
 * waits for the access. Memory is touched with memcpy() and atomic64 ops,
 * which KASAN checks.
 *
 * Context: the compute unit's kthread; does not sleep.
 * Return: 0, or -EFAULT when the translation faults (nothing accessed).
 */
int vsvm_vhw_mmu_access(struct vsvm_vhw_cu *cu, struct vsvm_hw_vm *vm, u64 va,
			void *buf, size_t len, u32 access)
{
	void *ptr;

	spin_lock(&cu->lock);
	ptr = vsvm_vhw_translate(cu, vm, va, len, access);
	if (!ptr)
		goto out;
	if (access & VSVM_HW_ACCESS_ATOMIC)
		atomic64_add(*(s64 *)buf, ptr);
	else if (access & VSVM_HW_ACCESS_WRITE)
		memcpy(ptr, buf, len);
	else
		memcpy(buf, ptr, len);
out:
	spin_unlock(&cu->lock);
	return ptr ? 0 : -EFAULT;
}

static void vsvm_vhw_tlb_drop(struct vsvm_vhw_cu *cu, u64 asid, u64 first, u64 last)
{
	struct vsvm_vhw_tlb_entry *e;

	lockdep_assert_held(&cu->lock);
	for (e = cu->tlb; e < cu->tlb + VSVM_VHW_TLB_ENTRIES; e++)
		if (e->asid == asid && e->va <= last && e->va + BIT_ULL(e->shift) - 1 >= first)
			e->asid = 0;
}

/**
 * vsvm_vhw_tlb_invalidate() - flush a range of a VM from every TLB
 * @vm: the VM
 * @va: start of the range
 * @size: bytes
 *
 * Returns once no compute unit can use a translation of the range made
 * before the call, in-flight accesses included: each compute unit's lock is
 * held across a translation and its access.
 *
 * Context: process context (might_sleep() by contract; it only spins).
 */
void vsvm_vhw_tlb_invalidate(struct vsvm_hw_vm *vm, u64 va, u64 size)
{
	struct vsvm_hw *hw = vm->hw;
	u64 last = va + size - 1 < va ? U64_MAX : va + size - 1;
	unsigned int i;

	might_sleep();
	atomic64_inc(&hw->counters.invalidations);
	if (!size)
		return;
	for (i = 0; i < hw->cfg.num_cus; i++) {
		struct vsvm_vhw_cu *cu = &hw->cus[i];

		spin_lock(&cu->lock);
		vsvm_vhw_tlb_drop(cu, vm->asid, va, last);
		spin_unlock(&cu->lock);
	}
}
