#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Self-test of scripts/check-splats.sh: every class of splat the test loop
# must fail on is detected, and a clean boot log is not flagged.
top=$(cd "$(dirname "$0")/../.." && pwd)
check=$top/scripts/check-splats.sh
pass=0 fail=0

clean='[    0.000000] Linux version 6.12.117 (gcc 12.2.0)
[    0.120000] kasan: KernelAddressSanitizer initialized (generic)
[    0.300000] Lock dependency validator: Copyright (c) 2006 Red Hat, Inc., Ingo Molnar
[    0.300001] ... MAX_LOCKDEP_SUBCLASSES:  8
[    1.000000] kmemleak: Kernel memory leak detector initialized (mem pool available: 15000)
[    4.517623] [drm] Initialized vsvm 1.0.0 for vsvm0 on minor 0
[    5.000000] vsvm: injecting load error at checkpoint 3
[    6.000000] [IGT] vsvm_module: finished subtest reload, SUCCESS'

expect() {
	local want=$1 name=$2 log=$3 got=0
	printf '%s\n' "$log" | "$check" >/dev/null || got=1
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: $name (exit $got, want $want)"
		fail=$((fail + 1))
	fi
}

expect 0 clean-boot "$clean"
while IFS='|' read -r name line; do
	expect 1 "$name" "$clean
$line"
done <<'EOF_SPLATS'
bug|[    9.1] BUG: kernel NULL pointer dereference, address: 0000000000000008
kasan|[    9.1] BUG: KASAN: slab-use-after-free in vsvm_hw_destroy+0x1c/0x40 [vsvm]
warning|[    9.1] WARNING: CPU: 1 PID: 148 at drivers/base/devres.c:698 devres_release_group+0xfb/0x120
oops|[    9.1] Oops: general protection fault, probably for non-canonical address 0xdffffc0000000000: 0000 [#1] PREEMPT SMP KASAN
lockdep-circular|[    9.1] WARNING: possible circular locking dependency detected
lockdep-state|[    9.1] WARNING: inconsistent lock state
lockdep-held|[    9.1] BUG: sleeping function called from invalid context at mm/slub.c:4126
rcu-usage|[    9.1] WARNING: suspicious RCU usage
kmemleak|unreferenced object 0xff11000004c31d80 (size 64):
hung-task|[  123.4] INFO: task vsvm_core:131 blocked for more than 60 seconds.
rcu-stall|[   99.1] rcu: INFO: rcu_preempt self-detected stall on CPU
soft-lockup|[   99.1] watchdog: BUG: soft lockup - CPU#0 stuck for 26s! [vsvm_core:131]
panic|[   99.1] Kernel panic - not syncing: Fatal exception
list|[   99.1] list_add corruption. prev->next should be next (ffffffff9b427260)
kmemleak-off|[   99.1] kmemleak: Kernel memory leak detector disabled
kmemleak-pool|[   99.1] kmemleak: Memory pool empty, consider increasing CONFIG_DEBUG_KMEMLEAK_MEM_POOL_SIZE
EOF_SPLATS

echo "check-splats: $pass passed, $fail failed"
[ $fail -eq 0 ]
