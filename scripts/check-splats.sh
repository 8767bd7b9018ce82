#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Read a kernel log on stdin and print every line that reports a splat, with
# the lines that follow it. Exit 1 if there was any, 0 otherwise.
pattern='BUG:|WARNING:|Oops|general protection fault|KASAN|UBSAN|Kernel panic|'
pattern+='possible circular locking|possible recursive locking|inconsistent lock state|'
pattern+='DEBUG_LOCKS_WARN_ON|suspicious RCU usage|INFO: trying to register non-static key|'
pattern+='unreferenced object|blocked for more than|rcu_.*detected stall|rcu: INFO:|'
pattern+='soft lockup|hard LOCKUP|list_add corruption|list_del corruption|'
pattern+='kernel BUG at|refcount_t:|kmemleak: Kernel memory leak detector disabled|kmemleak: Memory pool empty'
grep -E -A 20 "$pattern" && exit 1
exit 0
