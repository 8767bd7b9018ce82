# SPDX-License-Identifier: GPL-2.0-only
#
# vsvm top-level Makefile.
#
# Drives the project: the kernel, the module, user space, tests in a QEMU guest,
# the demo, lint and the stock-kernel check. Kbuild (used by kbuild in
# preference to this file) is the out-of-tree module entry, and Kconfig plus
# Kbuild are what a kernel tree sources to build vsvm in tree
# (scripts/intree-check.sh shows how).

.PHONY: all deps kernel kernel-perf module tools tests check demo lint stock-check intree-check bench clean

all: module tools tests

deps:
	scripts/install-deps.sh

kernel: deps
	scripts/kernel.sh debug

kernel-perf: deps
	scripts/kernel.sh perf

module: deps
	scripts/build-module.sh "$$(scripts/kernel.sh debug)/build" build/debug

tools:
	$(MAKE) -C tools

tests: tools
	$(MAKE) -C igt-tests

# The README's test command: everything, in the debug kernel, in QEMU, with
# device-private VRAM, then the vsvm_svm* tests again with device-coherent VRAM
# (scripts/check.sh). T=PATTERN runs the subtests whose name or BINARY@SUBTEST
# matches, in both passes (e.g. T='query*', T='vsvm_svm_attr*').
check:
	scripts/check.sh check '$(or $(T),*)'

# The README's demo command.
demo:
	scripts/check.sh demo

lint: deps
	scripts/lint.sh

# Build against Debian's stock 6.12 headers and run the basic tests in the
# stock Debian kernel booted in QEMU.
stock-check: deps
	scripts/stock-check.sh

intree-check: deps
	scripts/intree-check.sh

# The benchmarks in the perf kernel, beside memcpy and test_hmm, in one VM boot
# (scripts/bench.sh): tools/vsvm-bench, then tools/vsvm-workloads; PNG charts in
# build/bench/. ARGS go to vsvm-bench (e.g. ARGS='-r 7 --only migrate').
bench:
	scripts/bench.sh --plot $(ARGS)

clean:
	rm -rf build
	$(MAKE) -C tools clean
	$(MAKE) -C igt-tests clean
